"""Qualitative coding: transcripts, codebook, coding store, reliability, exploration."""
