"""Sync with the central server: enrolment, pushing the outbox, pulling the change feed."""
