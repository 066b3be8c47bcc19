"""Type stubs of the extension module (the Rust half of the package). Use ``blowback`` itself."""

from typing import Any, Mapping, Optional, Sequence

_Raw = tuple[bytes, list[str], bytes]
_LoopRow = tuple[int, Optional[str], str, str, list[str]]
_LoopScores = tuple[list[_LoopRow], bytes, bytes, bytes]
_CheckRow = tuple[str, str, bool, str]

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
        params: Optional[Mapping[str, Any]] = None,
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
        params: Sequence[Mapping[str, Any]],
        vars: Optional[Sequence[str]] = None,
        start: Optional[float] = None,
        stop: Optional[float] = None,
        dt: Optional[float] = None,
        method: Optional[str] = None,
        seed: Optional[int] = None,
        save_step: Optional[float] = None,
        threads: Optional[int] = None,
    ) -> _Raw: ...

    def loops(
        self, params: Optional[Mapping[str, Any]] = None, max_loops: int = 10000, max_length: Optional[int] = None
    ) -> list[_LoopRow]: ...
    def loop_scores(
        self, params: Optional[Mapping[str, Any]] = None, max_loops: int = 10000, max_length: Optional[int] = None
    ) -> _LoopScores: ...

class NativeCase:
    @property
    def path(self) -> str: ...
    def model(self) -> NativeModel: ...
    def scenarios(self) -> list[tuple[str, str]]: ...
    def readme(self) -> Optional[str]: ...
    def run(
        self, vars: Optional[Sequence[str]] = None, seed: Optional[int] = None
    ) -> tuple[
        list[tuple[str, str, str, float, float]],
        list[tuple[str, list[Optional[float]]]],
        list[tuple[str, bytes, list[str], bytes]],
    ]: ...
    def loops(
        self, scenario: Optional[str] = None, max_loops: int = 10000, max_length: Optional[int] = None
    ) -> tuple[_LoopScores, list[tuple[str, str]]]: ...
    def check(self) -> tuple[list[_CheckRow], list[_CheckRow]]: ...
    def explore(
        self,
        method: Optional[str] = None,
        samples: Optional[int] = None,
        seed: Optional[int] = None,
        scenarios: Optional[Sequence[str]] = None,
        threads: Optional[int] = None,
    ) -> tuple[
        list[str],
        bytes,
        list[str],
        list[str],
        bytes,
        int,
        Optional[str],
        list[tuple[str, str, str, float, float, float, float]],
        list[tuple[str, str, str, float, float, float, float]],
        str,
    ]: ...

def load_case(path: str) -> NativeCase: ...
def load_model(path: str, data: Sequence[str] = ...) -> NativeModel: ...
def load_model_text(text: str, name: str) -> NativeModel: ...
def analyze_conflict(
    text: str,
    name: str,
    concepts: Optional[str] = None,
    horizon: int = 2,
    coalition: Optional[Sequence[str]] = None,
) -> str: ...
def fit_hawkes(
    times: Sequence[float],
    marks: Sequence[int],
    dims: int,
    end: float,
    change_points: Sequence[float] = ...,
    optimizer: str = "profile",
) -> dict[str, Any]: ...
