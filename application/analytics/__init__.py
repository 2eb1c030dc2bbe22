"""The owner's booking analytics: funnel counters from the booking widget, bookings by source,
popular services, peak hours, and a CSV export."""
