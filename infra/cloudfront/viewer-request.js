// Viewer request: S3 behind origin access control has no index documents, so a request for a
// folder ("/site/posts/") or an extension-less path ("/site/about") asks for its index.html.
function handler(event) {
    var request = event.request;
    var uri = request.uri;
    if (uri.endsWith('/')) {
        request.uri = uri + 'index.html';
    } else if (uri.split('/').pop().indexOf('.') === -1) {
        request.uri = uri + '/index.html';
    }
    return request;
}
