// Viewer response: the publish stage writes WordPress's old URLs as empty objects carrying
// x-amz-website-redirect-location. Only the S3 website endpoint honours it, and origin access control
// needs the REST endpoint, so the redirect is made here from the header S3 returns with the object.
// Previews (a pull request's under <site>/previews/pr-N/, a branch's under <site>/branches/<slug>/)
// are for people, not search engines: S3 cannot set X-Robots-Tag on an object, so it is set here.
var PREVIEW = /\/(previews\/pr-[0-9]+|branches\/[^\/]+)\//;

function handler(event) {
    var response = event.response;
    var target = response.headers['x-amz-website-redirect-location'];
    if (!target || !target.value) {
        if (event.request && PREVIEW.test(event.request.uri)) {
            response.headers['x-robots-tag'] = { value: 'noindex, nofollow' };
        }
        return response;
    }
    return {
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: {
            'location': { value: target.value },
            'cache-control': { value: 'max-age=3600' }
        }
    };
}
