<?php
/**
 * Plugin Name:          Amends for WooCommerce
 * Description:          Work the incidents Amends opens for your store (late shipments, defective items, compensation) from native WooCommerce admin pages.
 * Version:              0.1.0
 * Requires at least:    6.1
 * Requires PHP:         7.4
 * Author:               Amends
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          amends-for-woocommerce
 * Domain Path:          /languages
 * WC requires at least: 8.0
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

define( 'AMENDS_VERSION', '0.1.0' );
define( 'AMENDS_PLUGIN_FILE', __FILE__ );
define( 'AMENDS_PLUGIN_DIR', plugin_dir_path( __FILE__ ) );

require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-signer.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-settings.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-credentials.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-client.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-notices.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-labels.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-actions.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-message-editor.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-messages-page.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-admin.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-shop-settings.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-policy-page.php';
require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-customer-data.php';

/**
 * Load the plugin's translations.
 */
function amends_load_textdomain() {
	load_plugin_textdomain( 'amends-for-woocommerce', false, dirname( plugin_basename( AMENDS_PLUGIN_FILE ) ) . '/languages' );
}
add_action( 'init', 'amends_load_textdomain' );

if ( is_admin() ) {
	Amends_Settings::init();
	Amends_Actions::init();
	Amends_Admin::init();
	Amends_Shop_Settings::init();
	Amends_Policy_Page::init();
	Amends_Customer_Data::init();
}
