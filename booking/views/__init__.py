"""Pages: the coach's calendar and settings, the public booking pages, the client's
bookings in the portal, the manage links of emails and the coach's calendar feed.

One module per audience: `coach` (signed-in team members), `public` (no login: booking
pages, the links of booking emails, the calendar feed) and `portal` (signed-in clients)."""
