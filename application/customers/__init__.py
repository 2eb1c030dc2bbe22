"""What the salon holds about its customers, and their data rights (export, erasure)."""
