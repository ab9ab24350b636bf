"""The staff dashboard under ``/staff``: server-rendered pages (Jinja2 + htmx).

Station staff log in, see their own station's appointments by day or week, check
workers in, mark them served or not come, add notes, export the list to Excel or CSV
and look at what workers ask about. An admin sees every station.
"""
