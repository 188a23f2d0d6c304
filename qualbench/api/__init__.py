"""The Project API, one concern a module; :class:`qualbench.project.Project` combines them.

Every public write method is one transaction and one event (see :mod:`.base`).
"""
