"""Prompt templates: one file per prompt in `settings.prompts_dir` (`CIO_COACH_PROMPTS`).

Templates use `string.Template` placeholders (`$question`, `${passages}`), as in
Simon Willison's `llm`. Rendering needs a value for every placeholder the file uses;
a missing file, a missing value or a malformed placeholder is a `PromptError`
naming the file. A deployment's own prompt may leave out placeholders it does not want.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from bot.config import Settings
from bot.errors import CioCoachError

ANSWER = "answer"
FOLLOWUP = "followup"
REWRITE = "rewrite"
JARGON_SENSE = "jargon_sense"
TAKEAWAY = "takeaway"
PROMPT_NAMES = (ANSWER, FOLLOWUP, REWRITE, JARGON_SENSE, TAKEAWAY)
SUFFIX = ".txt"


class PromptError(CioCoachError, ValueError):
    """A prompt file is missing or does not fit the values given to it."""


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    path: Path
    template: Template

    @property
    def placeholders(self) -> list[str]:
        return self.template.get_identifiers()

    def render(self, **values: object) -> str:
        missing = [name for name in self.placeholders if name not in values]
        if missing:
            raise PromptError(f"prompt {self.path}: no value for placeholder "
                              + ", ".join(f"${name}" for name in missing))
        return self.template.substitute({k: str(v) for k, v in values.items()})


def prompt_path(settings: Settings, name: str) -> Path:
    return Path(settings.prompts_dir) / f"{name}{SUFFIX}"


def load_prompt(settings: Settings, name: str) -> PromptTemplate:
    path = prompt_path(settings, name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"prompt file not found: {path} "
                          "(check CIO_COACH_PROMPTS)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(f"cannot read prompt file {path}: {exc}") from exc
    template = Template(text)
    if not template.is_valid():
        raise PromptError(f"prompt {path}: malformed placeholder "
                          "(write $name or ${name}; a literal dollar sign is $$)")
    return PromptTemplate(name, path, template)


def render_prompt(settings: Settings, name: str, **values: object) -> str:
    return load_prompt(settings, name).render(**values)
