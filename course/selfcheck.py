"""The student's self-check: the public checks of `model_layers`, with named mistakes and fixes."""

from autograder.checks import CHECKS, grade
from autograder.probe import PUBLIC_SIZES, public_plan


class SelfCheckResult:
    """What the self-check found; true when every public check passed."""

    def __init__(self, verdicts, captured_output):
        self.verdicts = verdicts
        self.captured_output = captured_output

    def __bool__(self):
        return all(v.passed for v in self.verdicts.values())

    @property
    def mistakes(self):
        seen = []
        for verdict in self.verdicts.values():
            seen += [m for m in verdict.mistakes if m not in seen]
        return seen

    def report(self):
        sizes = ", ".join(f"{n}->{k}" for n, k in PUBLIC_SIZES)
        lines = [f"Public checks of model_layers (sizes input_size->output_size: {sizes})"]
        for verdict in self.verdicts.values():
            mark = "PASS" if verdict.passed else "FAIL"
            lines.append(f"  {mark}  {verdict.check}: {CHECKS[verdict.check].title}")
        if self:
            lines.append("All public checks passed. The hidden tests use other, random sizes.")
        else:
            lines.append("")
            messages = []
            for verdict in self.verdicts.values():
                for line in verdict.message.splitlines()[1:]:
                    if line not in messages:
                        messages.append(line)
            lines += messages
        return "\n".join(lines)

    def __repr__(self):
        return self.report()


def _run(model_layers):
    facts, _, verdicts = grade(model_layers, public_plan())
    return SelfCheckResult(verdicts, facts["captured_output"])


def check_model_layers(model_layers):
    """Run every public check on ``model_layers``; print and return the result."""
    result = _run(model_layers)
    print(result.report())
    return result


def public_check(check_id, model_layers):
    """Assert one public check, failing with the named mistake and its fix."""
    verdict = _run(model_layers).verdicts[check_id]
    assert verdict.passed, verdict.message
    print(f"public check '{check_id}' passed")
