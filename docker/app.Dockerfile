# The Python 3.11 application: gateway (`hotline serve`), action server (`hotline actions`),
# migrations and maintenance commands. One image, several services.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md /app/
COPY bot /app/bot
COPY flows /app/flows
COPY knowledge /app/knowledge
COPY nlu /app/nlu
RUN pip install --no-cache-dir /app && useradd --uid 1001 --create-home hotline
USER 1001
ENTRYPOINT ["hotline"]
