"""The cached Python environment holding Basic Memory 0.24.1 (`.venv-bm` in the repository),
made from Tests/e2e/requirements-basic-memory.txt and remade when that file changes."""
import os
import pathlib
import shutil
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[3]
REQUIREMENTS = REPO / "Tests/e2e/requirements-basic-memory.txt"
VENV = REPO / ".venv-bm"
# Basic Memory 0.24 needs Python 3.12 or newer; these machines have pyenv's 3.12.1.
PYTHON_CANDIDATES = ["/root/.pyenv/versions/3.12.1/bin/python3.12", "python3.13", "python3.12"]


def find_python():
    """$BASIC_MEMORY_PYTHON, else the first Python ≥ 3.12 found."""
    candidates = [os.environ["BASIC_MEMORY_PYTHON"]] if os.environ.get("BASIC_MEMORY_PYTHON") else PYTHON_CANDIDATES
    for candidate in candidates:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.access(path, os.X_OK):
            return path
    raise RuntimeError(f"no Python 3.12+ for Basic Memory (tried {', '.join(candidates)}; set BASIC_MEMORY_PYTHON)")


def ensure():
    """The venv's python, creating or refreshing the venv first if needed."""
    python = VENV / "bin/python"
    stamp = VENV / "requirements-basic-memory.txt"
    if python.exists() and stamp.exists() and stamp.read_bytes() == REQUIREMENTS.read_bytes():
        return python
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([find_python(), "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                    "-r", str(REQUIREMENTS)], check=True)
    shutil.copyfile(REQUIREMENTS, stamp)
    return python


if __name__ == "__main__":
    print(ensure())
