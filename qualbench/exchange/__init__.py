"""Readers and writers: files in, domain objects out (and back).

Readers never touch the database; they return plain objects that the Project stores in
one transaction, so a bad file can be refused before anything is written.
"""
