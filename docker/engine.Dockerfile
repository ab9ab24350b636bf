# The dialogue engine: the official Rasa 3.6.21 image, the project's engine requirements
# (the same file the local set-up uses), and the model trained at build time.
FROM rasa/rasa:3.6.21

USER root
WORKDIR /app
COPY requirements/engine.txt requirements/engine.lock.txt /app/requirements/
RUN pip install --no-cache-dir -r /app/requirements/engine.txt -c /app/requirements/engine.lock.txt

COPY flows/domain /app/flows/domain
COPY flows/rules /app/flows/rules
COPY flows/stories /app/flows/stories
COPY nlu/config.yml /app/nlu/config.yml
COPY nlu/data /app/nlu/data
COPY nlu/dictionary /app/nlu/dictionary
COPY nlu/__init__.py /app/nlu/__init__.py
COPY nlu/components /app/nlu/components
COPY flows/__init__.py flows/tracker_store.py /app/flows/
COPY bot/__init__.py /app/bot/__init__.py
COPY bot/engine/__init__.py bot/engine/lock_store.py /app/bot/engine/
COPY bot/engine/launcher.py /app/launcher.py
COPY docker/endpoints.yml docker/credentials.yml /app/config/

# Custom NLU components (nlu.components) are imported from /app.
ENV PYTHONPATH=/app RASA_TELEMETRY_ENABLED=false
RUN rasa train --domain flows/domain --data nlu/data flows/rules flows/stories \
      --config nlu/config.yml --out /app/models --fixed-model-name hotline \
 && chown -R 1001 /app

USER 1001
ENTRYPOINT ["python", "/app/launcher.py"]
