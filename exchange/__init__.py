"""Export and import of a candidate's whole bank: JSON, Markdown and a printable cheat sheet."""
