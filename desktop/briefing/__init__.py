"""The printed briefing: the dialog that chooses its content and the printer that makes the PDF."""
