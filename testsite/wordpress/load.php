<?php
// Loads a test site into a fresh WordPress: options, theme, posts and comment threads.
// Input: JSON on stdin ({"options": {...}, "theme": "...", "posts": [...]}).
// Output: JSON on stdout mapping our post and comment ids to WordPress's.
// Run by testsite/wordpress/__init__.py with WORDPRESS_CONFIG and HTTP_HOST set.
define('WP_INSTALLING', true);
$_SERVER['REQUEST_URI'] = '/';
require '/usr/share/wordpress/wp-config.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

$data = json_decode(file_get_contents('php://stdin'), true);
if (!is_blog_installed()) {
    wp_install('生成サイト', 'admin', 'admin@example.invalid', true, '', 'archiver-test-password', 'ja');
}
foreach ($data['options'] as $name => $value) {
    update_option($name, $value);
}
switch_theme($data['theme']);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure($data['options']['permalink_structure']);
$wp_rewrite->flush_rules(true);

// A clean slate on every load: the test compares against exactly what this run inserts.
global $wpdb;
$wpdb->query("DELETE FROM {$wpdb->comments}");
$wpdb->query("DELETE FROM {$wpdb->commentmeta}");
$wpdb->query("DELETE FROM {$wpdb->posts} WHERE post_type IN ('post', 'revision')");
wp_defer_comment_counting(true);

$ids = array('posts' => array(), 'comments' => array());
foreach ($data['posts'] as $post) {
    $category = wp_create_category($post['category']);
    $post_id = wp_insert_post(array(
        'post_title' => $post['title'],
        'post_name' => $post['slug'],
        'post_content' => $post['content'],
        'post_status' => 'publish',
        'post_date' => $post['date'],
        'post_date_gmt' => $post['date_gmt'],
        'post_category' => array($category),
        'tags_input' => $post['tags'],
        'comment_status' => 'open',
        'ping_status' => 'open',
    ), true);
    if (is_wp_error($post_id)) {
        fwrite(STDERR, $post_id->get_error_message() . "\n");
        exit(1);
    }
    $ids['posts'][$post['id']] = $post_id;
    foreach ($post['comments'] as $comment) {
        $parent = $comment['parent'] ? $ids['comments'][$comment['parent']] : 0;
        $comment_id = wp_insert_comment(array(
            'comment_post_ID' => $post_id,
            'comment_parent' => $parent,
            'comment_author' => $comment['author'],
            'comment_author_email' => '',
            'comment_author_url' => $comment['url'],
            'comment_content' => $comment['content'],
            'comment_date' => $comment['date'],
            'comment_date_gmt' => $comment['date_gmt'],
            'comment_approved' => 1,
            'comment_type' => $comment['type'],
        ));
        $ids['comments'][$comment['id']] = $comment_id;
    }
    wp_update_comment_count_now($post_id);
}
wp_defer_comment_counting(false);
echo json_encode($ids);
