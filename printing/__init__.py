"""Printed documents (receipts, tickets, permit cards, summaries) as PDF bytes. No Qt here."""
