// Viewer request: S3 behind origin access control has no index documents, so a request for a
// folder ("/site/posts/") asks for its index.html. An extension-less path ("/site/about") is a
// folder asked for without its slash: it is redirected there (301), as S3 website hosting and the
// local site server do, so the page's relative links resolve from its folder, not its parent. Files
// under /.well-known/ (apple-app-site-association, security.txt) are served as they are. A path with
// slashes doubled ("/site/tags//index.xml", which a theme writes joining a permalink and a name) is
// redirected to it with single ones: S3 has no such key, where nginx, Netlify and `hugo server` read
// the two as one.
// Presslift's own record of each publish (/.presslift/, beside the sites' prefixes) is never served:
// it lists every file of every site, those no page links too.
function handler(event) {
    var request = event.request;
    var uri = request.uri;
    if (uri.indexOf('/.presslift/') === 0 || uri === '/.presslift') {
        return { statusCode: 404, statusDescription: 'Not Found' };
    }
    if (uri.indexOf('//') !== -1) {
        return redirect(uri.replace(/\/{2,}/g, '/'), request);
    }
    if (uri.endsWith('/')) {
        request.uri = uri + 'index.html';
        return request;
    }
    if (uri.split('/').pop().indexOf('.') !== -1 || uri.indexOf('/.well-known/') !== -1) {
        return request;
    }
    return redirect(uri + '/', request);
}

function redirect(location, request) {
    var query = [];
    var params = request.querystring || {};
    for (var name in params) {
        var values = params[name].multiValue || [params[name]];
        for (var i = 0; i < values.length; i++) {
            query.push(values[i].value === '' ? name : name + '=' + values[i].value);
        }
    }
    return {
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: { location: { value: location + (query.length ? '?' + query.join('&') : '') } },
    };
}
