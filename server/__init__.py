"""The central server: desks enrol with it, push their outbox and pull the change feed.

It reuses the desk's core where the two must agree (the sync protocol, request signing, keys,
the QR codec, the master data file format, the database engine) and imports no Qt.
"""
