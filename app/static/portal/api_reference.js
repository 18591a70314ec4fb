// Interactive API reference: Swagger UI (vendored) on the server's own OpenAPI document.
window.addEventListener("load", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false
  });
});
