# datacollab's container image: the app (gunicorn) and, with another command, the task worker.
# Build: docker build -t datacollab .   Run the whole stack: docker compose up (compose.yaml).
# See docs/operations.md ("Container image").

# The base of both stages. Production keeps the official Python image; a machine without
# Docker Hub passes a Debian bookworm root filesystem with python3 and python3-venv
# (scripts/container-base-image.sh): --build-arg BASE_IMAGE=localhost/bookworm-python:3.11.
# Only python3 (not python) and /usr/bin (not /usr/local) are assumed below, true of both.
ARG BASE_IMAGE=python:3.11-slim-bookworm

# --- build: a virtualenv with the pinned dependencies, compiled messages, collected static ---
FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, from the constraints file (exact versions), so this layer is cached
# while only the code changes.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir -p src/datacollab && touch src/datacollab/__init__.py \
    && pip install -c constraints.txt '.[s3]' \
    && pip uninstall -y datacollab
COPY src ./src
# The translators' catalogues, compiled (the .mo files are package data).
RUN find src/datacollab/locale -name '*.po' -exec sh -c 'msgfmt --check -o "${1%.po}.mo" "$1"' _ {} \;
RUN pip install --no-deps -c constraints.txt .
# collectstatic only reads the code; a throwaway development configuration lets settings load.
RUN DATACOLLAB_ENV=development DATACOLLAB_VAR_DIR=/tmp/build-var STATIC_ROOT=/opt/static \
    datacollab collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/build-var

# --- runtime: Debian slim, WeasyPrint's libraries, no compilers, not root ---
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=datacollab.config.settings \
    DATACOLLAB_ENV=production \
    DATACOLLAB_VAR_DIR=/var/lib/datacollab \
    STATIC_ROOT=/opt/static \
    GUNICORN_BIND=0.0.0.0:8000
# Pango and HarfBuzz for PDF reports (WeasyPrint), and a font family for them; tini as PID 1.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core tini \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/datacollab datacollab \
    && mkdir -p /var/lib/datacollab \
    && chown datacollab:datacollab /var/lib/datacollab
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/static /opt/static
COPY deploy/gunicorn.conf.py deploy/create_bucket.py /opt/deploy/
USER datacollab
WORKDIR /var/lib/datacollab
VOLUME ["/var/lib/datacollab"]
EXPOSE 8000
# The process answers (no database): the orchestrator restarts it otherwise. Readiness
# (/health/ready) is for the load balancer and the deployment, not for restarts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"]
# tini is PID 1, not the app: it reaps orphans and forwards signals, and the upload parser
# (a child of the task worker) takes "my parent is PID 1" to mean its parent died and exits
# at once, which refused every upload when `datacollab worker` itself was PID 1.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["gunicorn", "--config", "/opt/deploy/gunicorn.conf.py"]
