"""Modal dialogs; each is a ``ModalScreen[T]`` that dismisses with a typed value (or None)."""
