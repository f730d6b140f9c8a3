# Sourced by the tools that keep a virtual environment (setup.sh, bench-torch.sh,
# make-minilm-fixture.sh); they define log() first.

# ensure_requirements VENV REQUIREMENTS STAMP_NAME DESCRIPTION [PIP ARGS...]: creates VENV when it
# has no Python, then installs REQUIREMENTS from PyPI unless VENV/STAMP_NAME holds the same file,
# which it does after the last install: pip runs again only when the requirements change.
ensure_requirements() {
    local venv=$1 requirements=$2 stamp="$1/$3" description=$4
    shift 4
    if [ ! -x "$venv/bin/python" ]; then
        log "creating $venv"
        python3 -m venv "$venv"
    fi
    if ! cmp -s "$requirements" "$stamp"; then
        log "installing $description from PyPI: $(grep -v '^#' "$requirements" | tr '\n' ' ')"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" -r "$requirements" >&2
        cp "$requirements" "$stamp"
    fi
}
