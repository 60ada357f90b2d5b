<?php
/**
 * Remove what the plugin stored in WordPress when it is deleted.
 *
 * Amends itself keeps the store's incidents; disconnect the store there to remove them.
 *
 * @package Amends_For_WooCommerce
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

delete_option( 'amends_settings' );
delete_option( 'amends_connection' );
