"""Progress: the store every session is written to, and what trainers and leads read from it.

`progress.store.Store` is the only code in CollectorDojo that writes SQL. Around it: the
certification policy (`certification`), access rules (`access`), reports and their rendering
(`reports`, `render`), PNG charts (`charts`) and the Datasette dashboard (`dashboard`).
"""
