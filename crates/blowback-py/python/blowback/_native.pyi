"""Type stubs of the extension module (the Rust half of the package). Use ``blowback`` itself."""

from typing import Any, Mapping, Optional, Sequence

_Raw = tuple[bytes, list[str], bytes]

class NativeModel:
    @property
    def path(self) -> str: ...
    @property
    def warnings(self) -> list[str]: ...
    def variables(self) -> list[tuple[str, str, Optional[str], Optional[str]]]: ...
    def sim_specs(self) -> tuple[float, float, float, Optional[float], str, Optional[str]]: ...
    def default_value(self, name: str) -> Optional[float]: ...
    def run(
        self,
        params: Optional[Mapping[str, float]] = None,
        vars: Optional[Sequence[str]] = None,
        start: Optional[float] = None,
        stop: Optional[float] = None,
        dt: Optional[float] = None,
        method: Optional[str] = None,
        seed: Optional[int] = None,
        save_step: Optional[float] = None,
    ) -> _Raw: ...
    def run_many(
        self,
        params: Sequence[Mapping[str, float]],
        vars: Optional[Sequence[str]] = None,
        start: Optional[float] = None,
        stop: Optional[float] = None,
        dt: Optional[float] = None,
        method: Optional[str] = None,
        seed: Optional[int] = None,
        save_step: Optional[float] = None,
        threads: Optional[int] = None,
    ) -> _Raw: ...

def load_model(path: str, data: Sequence[str] = ...) -> NativeModel: ...
def load_model_text(text: str, name: str) -> NativeModel: ...
