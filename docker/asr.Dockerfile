# Container image of a whisper.cpp speech recognition server that answers
# OpenAI-style POST /v1/audio/transcriptions requests, for talegraph's
# "openai" engine without a hosted service. Build from the repository root
# (the build downloads whisper.cpp and a model, so it needs the network):
#   docker build -f docker/asr.Dockerfile -t talegraph-asr .
#   docker run -p 8080:8080 talegraph-asr
# and set [openai] base_url = "http://HOST:8080/v1" with no API key.
#
# NOTE: Docker could not run where this file was written, so the image has
# never been built. The flags below (--host, --port, --inference-path,
# --model, --threads), the empty default of --request-path that puts the
# route at /v1/audio/transcriptions, and the whisper-server target were
# checked in two versions of examples/server from a code search, not in the
# v1.7.5 tag itself, and the tag is not pinned to a commit hash.

ARG WHISPER_CPP_TAG=v1.7.5

FROM debian:12 AS build
ARG WHISPER_CPP_TAG
# Any name that models/download-ggml-model.sh lists, such as base.en (about
# 148 MB, English only) or base, small, large-v3-turbo (multilingual).
ARG WHISPER_MODEL=base.en
# ON tunes the code to the build machine's CPU, which may then fail on a
# different one; OFF gives a portable, slower build.
ARG GGML_NATIVE=OFF
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       build-essential cmake git curl ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# The repository moved from ggerganov/whisper.cpp to ggml-org/whisper.cpp;
# GitHub redirects the old address.
RUN git clone --depth 1 --branch "${WHISPER_CPP_TAG}" \
      https://github.com/ggml-org/whisper.cpp.git /src/whisper.cpp
WORKDIR /src/whisper.cpp
RUN cmake -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
      -DGGML_NATIVE="${GGML_NATIVE}" -DWHISPER_BUILD_TESTS=OFF -DWHISPER_BUILD_EXAMPLES=ON \
    && cmake --build build --config Release --target whisper-server -j "$(nproc)"
RUN ./models/download-ggml-model.sh "${WHISPER_MODEL}" \
    && mv "models/ggml-${WHISPER_MODEL}.bin" /src/model.bin

FROM debian:12-slim
# libgomp1: ggml's OpenMP threads, linked dynamically even in a static build.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app whisper
COPY --from=build /src/whisper.cpp/build/bin/whisper-server /usr/local/bin/whisper-server
COPY --from=build /src/model.bin /models/model.bin
# whisper.cpp's README asks not to run the server with administrative
# privileges, because it accepts file uploads.
USER whisper
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["whisper-server", "--host", "0.0.0.0", "--port", "8080", \
            "--inference-path", "/v1/audio/transcriptions", "--model", "/models/model.bin"]
# Extra flags, replaced by any given to docker run: threads for inference.
# With a multilingual model, add "--language", "auto" unless talegraph's
# openai.language names the language (whisper-server defaults to "en").
CMD ["--threads", "4"]
