"""The exceptions blowback raises.

Each derives from :class:`BlowbackError` and, where one fits, from the built-in class Python code
already catches: a name the model does not have is a ``KeyError``, a value out of range a
``ValueError``. Wrong types raise the built-in ``TypeError``.
"""


class BlowbackError(Exception):
    """Base class of blowback's exceptions."""


class ModelError(BlowbackError, ValueError):
    """A model file that cannot be read or compiled.

    The message lists every problem found, each as ``path:line:column: message`` with the
    offending line, the text underlined and a hint.
    """


class CaseError(BlowbackError, ValueError):
    """A case folder whose files do not agree (located like :class:`ModelError`)."""


class ParameterError(BlowbackError, ValueError):
    """A value out of range: a parameter that is NaN, a time step of 0, an unknown method..."""


class UnknownNameError(BlowbackError, KeyError):
    """A name the model (or case) does not have; the message suggests the closest one."""

    def __str__(self) -> str:
        # KeyError quotes its argument; a sentence reads better unquoted.
        return str(self.args[0]) if self.args else ""


class SimulationError(BlowbackError, RuntimeError):
    """A run that could not finish, such as a variable becoming NaN or infinite."""


class ConflictError(BlowbackError, ValueError):
    """A conflict file (GMCR, TOML or JSON) that cannot be read or analysed, located."""


class FitError(BlowbackError, ValueError):
    """Event data a point process cannot be fitted to (no events, times outside the window...)."""
