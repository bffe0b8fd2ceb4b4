# Two stages: compile the single executable with Bun, run it on distroless.
FROM oven/bun:1.4.4-debian AS build
WORKDIR /src
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production --ignore-scripts
COPY . .
RUN bash scripts/build.sh /out/better-share && mkdir -p /out/data

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/better-share /usr/local/bin/better-share
# The embedded stores need a directory the nonroot user (65532) can write.
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATA_DIR=/data HOST=0.0.0.0 PORT=3000
VOLUME /data
EXPOSE 3000
# Distroless has no shell or curl: the binary checks itself.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["/usr/local/bin/better-share", "health"]
ENTRYPOINT ["/usr/local/bin/better-share"]
CMD ["serve"]
