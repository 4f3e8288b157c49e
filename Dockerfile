ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

# DXGRAPH_HOME (/data) is a volume: the store, models and secrets live there. The compiled knowledge
# base is part of the image (/opt/dxgraph/kb, reached through the symlink /data/kb), so a new image
# brings its own KB even when the volume is older than the image.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DXGRAPH_HOME=/data \
    DXGRAPH_ONTOLOGIES=/app/ontologies

RUN groupadd --system --gid 10001 dxgraph \
    && useradd --system --uid 10001 --gid dxgraph --home-dir /home/dxgraph --create-home dxgraph

WORKDIR /app
COPY pyproject.toml README.md ./
COPY knowledge ./knowledge
COPY inference ./inference
COPY learning ./learning
COPY web ./web
COPY cli ./cli
COPY ontologies ./ontologies
RUN pip install --no-cache-dir . && pip check

# compile the knowledge base (and its SPARQL store) once, at build time
RUN mkdir -p /opt/dxgraph/kb /data \
    && ln -s /opt/dxgraph/kb /data/kb \
    && dxgraph kb build \
    && chown -R dxgraph:dxgraph /data /opt/dxgraph

USER dxgraph
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).read() == b'ok' else 1)"]
CMD ["dxgraph", "serve", "--production", "--host", "0.0.0.0", "--port", "8000"]
