"""test_examples.py: python/examples/notebook.py runs and prints the
notebook's values: corr2d(X, K) = [[19, 25], [37, 43]], the edge image's
Y with 1 and -1 in columns 1 and 5, nothing for X.T, losses that fall, and
every result checked against the reference."""
import os
import re
import subprocess
import sys

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples",
                       "notebook.py")


def test_notebook_example():
    done = subprocess.run([sys.executable, EXAMPLE], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)
    out = done.stdout
    assert done.returncode == 0, out
    assert "[[19. 25.]\n [37. 43.]]" in out
    assert out.count("[ 0.  1.  0.  0.  0. -1.  0.]") == 6
    assert out.count("[0. 0. 0. 0. 0.]") == 8
    losses = [float(v) for v in re.findall(r"epoch \d+, loss ([0-9.]+)", out)]
    assert len(losses) == 5 and losses == sorted(losses, reverse=True)
    assert re.search(r"\n\d+ results checked, 0 outside tolerance", out)
