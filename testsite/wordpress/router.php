<?php
// Router for PHP's built-in server: real files as they are, everything else through WordPress
// (pretty permalinks such as /2021/12/23/slug/comment-page-2/ and /wp-json/...).
// Debian's wp-config.php picks /etc/wordpress/config-$WORDPRESS_CONFIG.php; the built-in
// server does not copy the environment into $_SERVER, so pass it on here.
if (getenv('WORDPRESS_CONFIG')) {
    $_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG');
}
// ARCHIVER_SHOWN_COMMENTS=N: the theme prints only a thread's first N comments, as a "load more"
// plugin does, while the post's count and the REST API still have them all. A filter given
// before WordPress loads (its plugin API picks up $wp_filter as it starts).
if (getenv('ARCHIVER_SHOWN_COMMENTS') !== false) {
    $GLOBALS['wp_filter']['comments_array'][10][] = array(
        'function' => function ($comments) {
            return array_slice($comments, 0, (int) getenv('ARCHIVER_SHOWN_COMMENTS'));
        },
        'accepted_args' => 1,
    );
}
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = $_SERVER['DOCUMENT_ROOT'] . $path;
if ($path !== '/' && is_file($file)) {
    if (substr($file, -4) === '.php') {
        require $file;
        return true;
    }
    return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
