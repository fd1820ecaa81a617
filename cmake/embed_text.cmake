# Writes OUTPUT, a C++ file defining talegraph::http::kOpenApiDocument with
# the contents of INPUT.
file(READ "${INPUT}" content)
set(delimiter "talegraph_embed")
file(WRITE "${OUTPUT}"
  "#include <string_view>\n"
  "namespace talegraph::http {\n"
  "extern const std::string_view kOpenApiDocument;\n"
  "const std::string_view kOpenApiDocument = R\"${delimiter}(${content})${delimiter}\";\n"
  "}  // namespace talegraph::http\n")
