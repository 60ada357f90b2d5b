<?php
/**
 * Install WordPress into the database its wp-config names, and activate the plugin.
 *
 * Usage: php install.php <site dir> <site URL> [<Amends URL>]
 */

define( 'WP_INSTALLING', true );
$amends_url              = parse_url( $argv[2] );
$_SERVER['HTTP_HOST']    = $amends_url['host'] . ':' . $amends_url['port'];
$_SERVER['REQUEST_URI']  = '/';
$_SERVER['SERVER_NAME']  = $amends_url['host'];
$_SERVER['SERVER_PORT']  = $amends_url['port'];

require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$amends_installed = wp_install( 'Tienda Amends', 'admin', 'admin@tienda.example', false, '', 'correct horse battery staple' );
if ( empty( $amends_installed['user_id'] ) ) {
	fwrite( STDERR, "wp_install failed\n" );
	exit( 1 );
}
update_option( 'permalink_structure', '/%postname%/' );
// A user who may write posts but not manage the store: Amends must stay closed to them.
wp_insert_user(
	array(
		'user_login' => 'redactora',
		'user_pass'  => 'correct horse battery staple',
		'user_email' => 'redactora@tienda.example',
		'role'       => 'editor',
	)
);
$amends_activated = activate_plugin( 'amends-for-woocommerce/amends-for-woocommerce.php' );
if ( is_wp_error( $amends_activated ) ) {
	fwrite( STDERR, $amends_activated->get_error_message() . "\n" );
	exit( 1 );
}
if ( ! empty( $argv[3] ) ) {
	// As the plugin's settings page saves it.
	update_option( 'amends_settings', array( 'url' => rtrim( $argv[3], '/' ) ) );
}
echo "installed\n";
