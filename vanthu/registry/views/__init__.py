"""Pages of the registers: incoming and outgoing documents (printouts live in printouts.py)."""
