"""``thidua web``: the wards' check page and the auditors' read-only view of the runs."""
