"""The sandbox's self-checks by topic (test_*.py): each module's list of checks and the
decorator that adds one, run in order by test_sandbox.py."""


def registry():
    """A new list of checks and its decorator: `TESTS, test = registry()`, then `@test`."""
    tests = []

    def test(fn):
        tests.append(fn)
        return fn

    return tests, test
