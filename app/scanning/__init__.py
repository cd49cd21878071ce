"""Documents into the desk: scanners (SANE, Windows WIA), files and a watched folder; the
pages' clean-up and their compression into a PDF.

What a Scan screen calls, each off the UI thread with a :class:`~app.tasks.TaskState`:

- :func:`app.scanning.backends.backend_for_platform`, then its ``devices()`` and
  ``capabilities(device)``, then :func:`app.scanning.backends.scan_pages`;
- :func:`app.scanning.files.import_files` for files the clerk picks;
- :class:`app.scanning.watch.WatchedFolder` ``.poll()`` every few seconds;
- :func:`app.scanning.cleanup.clean_page` on each page, then
  :func:`app.scanning.pdf.pages_to_pdf`, whose bytes :func:`app.services.attachments.store`
  keeps.

The modules are imported one by one (OpenCV and PDFium take time to load).
"""
