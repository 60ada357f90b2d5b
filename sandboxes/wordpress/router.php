<?php
/**
 * Router for PHP's built-in server: files as they are, every other path to WordPress.
 */

$amends_path = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
$amends_file = $_SERVER['DOCUMENT_ROOT'] . $amends_path;
if ( '/' !== $amends_path && ( is_file( $amends_file ) || is_dir( $amends_file ) ) ) {
	return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
