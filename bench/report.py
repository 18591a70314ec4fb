"""What every benchmark prints and writes: each figure beside its floor, the ratio and the goal.

``python -m bench.NAME --json FILE`` writes the same rows as JSON (one object per figure), so CI
and people compare runs without parsing the text.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    floor: float | None = None      # measured in the same run, on the same machine
    floor_name: str | None = None
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return None if not self.floor else self.value / self.floor


@dataclass
class Report:
    benchmark: str
    figures: list[Figure] = field(default_factory=list)
    notes: dict = field(default_factory=dict)

    def add(self, *args, **kwargs) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        return figure

    def print(self) -> None:
        print(f"\n{self.benchmark}: figure | floor | ratio | goal")
        for f in self.figures:
            floor = f"{f.floor:.4g} {f.unit} ({f.floor_name})" if f.floor is not None else "-"
            ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
            verdict = "" if f.met is None else ("  MET" if f.met else "  NOT MET")
            print(f"  {f.name}: {f.value:.4g} {f.unit} | {floor} | {ratio} | {f.goal}{verdict}")
        print(f"  load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def write(self, path: str | None) -> None:
        if not path:
            return
        data = {"benchmark": self.benchmark, "load_average": os.getloadavg(), "notes": self.notes,
                "figures": [{**asdict(f), "ratio": f.ratio} for f in self.figures]}
        with open(path, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, default=str)
