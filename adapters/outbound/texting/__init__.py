"""Text messages (SMS, WhatsApp) over a Twilio-style HTTP API, and one-time codes over them."""

from .otp import TextOtpSender
from .twilio import TwilioTextMessageSender

__all__ = ["TextOtpSender", "TwilioTextMessageSender"]
