"""Socket.IO: handlers for client events, and broadcasting committed changes to rooms."""
