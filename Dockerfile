# One image for every service of docker-compose.yml: `optout-bot run --platform slack`,
# `optout-bot run --platform discord`, `optout-bot migrate`, or any other subcommand.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a content edit rebuilds only the last layers.
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .

# The knowledge base is baked in and checked at build time: a broken file fails the build.
COPY content ./content
ENV OPTOUT_CONTENT_DIR=/app/content \
    OPTOUT_CACHE_DIR=/tmp/optout-bot-cache
RUN optout-bot validate

# Never run as root. /app/data holds the SQLite database and the Discord sync state.
RUN useradd --system --uid 10001 --home-dir /app --no-create-home optout \
    && mkdir -p /app/data \
    && chown optout /app/data
USER optout
VOLUME ["/app/data"]

# Slack HTTP mode listens here (SLACK_PORT).
EXPOSE 3000

ENTRYPOINT ["optout-bot"]
CMD ["run"]
