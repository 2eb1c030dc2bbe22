"""Inbound workers: the Dramatiq actors, thin, each taking one id and calling the job runner."""
