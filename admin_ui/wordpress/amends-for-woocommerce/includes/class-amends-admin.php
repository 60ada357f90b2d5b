<?php
/**
 * The Amends page in wp-admin: under WooCommerce, or top level without it.
 *
 * One page, nine tabs (incidents, approvals, returns, outcomes, messages, policy,
 * shop settings, customer data, settings), as WooCommerce's own settings are laid out; an incident or
 * a message opens on the same page.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers the menu entry and renders the page.
 */
class Amends_Admin {

	const SLUG = 'amends';

	/**
	 * The hook suffix WordPress gave the page.
	 *
	 * @var string
	 */
	private static $hook = '';

	/**
	 * Hook the page in.
	 */
	public static function init() {
		add_action( 'admin_menu', array( __CLASS__, 'register_menu' ), 60 );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
	}

	/**
	 * Return the capability the page and its actions need.
	 *
	 * @return string
	 */
	public static function capability() {
		return class_exists( 'WooCommerce' ) ? 'manage_woocommerce' : 'manage_options';
	}

	/**
	 * Add "Amends" under WooCommerce, or as a top-level entry when WooCommerce is absent.
	 */
	public static function register_menu() {
		$title = __( 'Amends', 'amends-for-woocommerce' );
		if ( class_exists( 'WooCommerce' ) ) {
			self::$hook = (string) add_submenu_page( 'woocommerce', $title, $title, self::capability(), self::SLUG, array( __CLASS__, 'render' ) );
		} else {
			self::$hook = (string) add_menu_page( $title, $title, self::capability(), self::SLUG, array( __CLASS__, 'render' ), 'dashicons-sos', 56 );
		}
		// The messages editor posts to its own page: handled before the page prints anything.
		add_action( 'load-' . self::$hook, array( 'Amends_Message_Editor', 'handle' ) );
	}

	/**
	 * Load the plugin's stylesheet on its own page only.
	 *
	 * @param string $hook The current page's hook suffix.
	 */
	public static function enqueue( $hook ) {
		if ( $hook === self::$hook ) {
			wp_enqueue_style( 'amends-admin', plugins_url( 'assets/amends-admin.css', AMENDS_PLUGIN_FILE ), array(), AMENDS_VERSION );
		}
	}

	/**
	 * Return the tabs: slug => label.
	 *
	 * @return array<string,string>
	 */
	public static function tabs() {
		return array(
			'incidents' => __( 'Incidents', 'amends-for-woocommerce' ),
			'approvals' => __( 'Approvals', 'amends-for-woocommerce' ),
			'returns'   => __( 'Returns', 'amends-for-woocommerce' ),
			'outcomes'  => __( 'Outcomes', 'amends-for-woocommerce' ),
			'messages'  => __( 'Messages', 'amends-for-woocommerce' ),
			'policy'    => __( 'Policy', 'amends-for-woocommerce' ),
			'shop'      => __( 'Shop settings', 'amends-for-woocommerce' ),
			'customers' => __( 'Customer data', 'amends-for-woocommerce' ),
			'settings'  => __( 'Settings', 'amends-for-woocommerce' ),
		);
	}

	/**
	 * Return the URL of a tab.
	 *
	 * @param string $tab  A tab's slug.
	 * @param array  $args More query arguments.
	 * @return string
	 */
	public static function tab_url( $tab, $args = array() ) {
		return add_query_arg( array_merge( array( 'page' => self::SLUG, 'tab' => $tab ), $args ), admin_url( 'admin.php' ) );
	}

	/**
	 * Return the URL of an incident's page.
	 *
	 * @param int $id The incident's id.
	 * @return string
	 */
	public static function incident_url( $id ) {
		return self::tab_url( 'incidents', array( 'incident' => (int) $id ) );
	}

	/**
	 * Render the page: the tab asked for, or one incident.
	 */
	public static function render() {
		if ( ! current_user_can( self::capability() ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'amends-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
		// Read-only navigation: which tab, which incident. Nothing here changes state.
		// phpcs:disable WordPress.Security.NonceVerification.Recommended
		$tab      = isset( $_GET['tab'] ) ? sanitize_key( wp_unslash( $_GET['tab'] ) ) : 'incidents';
		$tab      = array_key_exists( $tab, self::tabs() ) ? $tab : 'incidents';
		$incident = isset( $_GET['incident'] ) ? absint( $_GET['incident'] ) : 0;
		// phpcs:enable
		echo '<div class="wrap amends">';
		echo '<h1 class="wp-heading-inline">' . esc_html__( 'Amends', 'amends-for-woocommerce' ) . '</h1>';
		echo '<hr class="wp-header-end" />';
		self::render_tabs( $tab );
		Amends_Notices::show_flashed();
		if ( 'incidents' === $tab && $incident ) {
			require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-incident-page.php';
			Amends_Incident_Page::render( $incident );
		} elseif ( 'approvals' === $tab ) {
			self::render_table( 'class-amends-approvals-table.php', 'Amends_Approvals_Table' );
		} elseif ( 'messages' === $tab ) {
			Amends_Messages_Page::render();
		} elseif ( 'policy' === $tab ) {
			Amends_Policy_Page::render();
		} elseif ( 'shop' === $tab ) {
			Amends_Shop_Settings::render();
		} elseif ( 'customers' === $tab ) {
			Amends_Customer_Data::render();
		} elseif ( 'returns' === $tab || 'outcomes' === $tab ) {
			require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-reports-page.php';
			'returns' === $tab ? Amends_Reports_Page::render_returns() : Amends_Reports_Page::render_outcomes();
		} elseif ( 'settings' === $tab ) {
			self::render_settings();
		} else {
			self::render_table( 'class-amends-incidents-table.php', 'Amends_Incidents_Table' );
		}
		echo '</div>';
	}

	/**
	 * Print the tab bar.
	 *
	 * @param string $current The current tab.
	 */
	private static function render_tabs( $current ) {
		echo '<nav class="nav-tab-wrapper wp-clearfix" aria-label="' . esc_attr__( 'Amends sections', 'amends-for-woocommerce' ) . '">';
		foreach ( self::tabs() as $slug => $label ) {
			printf(
				'<a href="%1$s" class="nav-tab%2$s"%3$s>%4$s</a>',
				esc_url( self::tab_url( $slug ) ),
				$slug === $current ? ' nav-tab-active' : '',
				$slug === $current ? ' aria-current="page"' : '',
				esc_html( $label )
			);
		}
		echo '</nav>';
	}

	/**
	 * Print a list table inside its GET form.
	 *
	 * @param string $file  The table's class file, under includes/.
	 * @param string $class The table's class.
	 */
	private static function render_table( $file, $class ) {
		if ( ! class_exists( 'WP_List_Table' ) ) {
			require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
		}
		require_once AMENDS_PLUGIN_DIR . 'includes/' . $file;
		$table = new $class();
		$table->prepare_items();
		$table->render();
	}

	/**
	 * Print the settings form (Settings API) and the connection box.
	 */
	private static function render_settings() {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- Amends' redirect back says how the connection went.
		if ( isset( $_GET['amends_connected'] ) ) {
			$connected = '1' === sanitize_key( wp_unslash( $_GET['amends_connected'] ) );
			Amends_Notices::show( $connected ? 'success' : 'warning', $connected ? __( 'The store is connected to Amends.', 'amends-for-woocommerce' ) : __( 'The store was not connected: the key was not approved.', 'amends-for-woocommerce' ) );
		}
		if ( isset( $_GET['amends_webhooks'] ) ) {
			Amends_Notices::show( 'warning', __( 'Amends could not register the store\'s webhooks yet; it tries again by itself.', 'amends-for-woocommerce' ) );
		}
		// phpcs:enable
		// Not an options page: WordPress shows "Settings saved." and field errors only when asked.
		settings_errors();
		echo '<form method="post" action="' . esc_url( admin_url( 'options.php' ) ) . '">';
		settings_fields( Amends_Settings::GROUP );
		do_settings_sections( self::SLUG );
		submit_button();
		echo '</form>';
		self::render_connection();
	}

	/**
	 * Print whether the store is connected, and the Connect button.
	 */
	private static function render_connection() {
		$credentials = Amends_Credentials::find();
		echo '<h2>' . esc_html__( 'Connection', 'amends-for-woocommerce' ) . '</h2>';
		if ( $credentials ) {
			/* translators: %d: the store's id at Amends. */
			echo '<p class="amends-connected">' . esc_html( sprintf( __( 'Connected: this store is shop %d at Amends. Requests to Amends are signed with the secret of the store\'s Amends webhooks.', 'amends-for-woocommerce' ), $credentials['shop'] ) ) . '</p>';
		} else {
			echo '<p>' . esc_html__( 'Not connected. Connecting asks you to approve a WooCommerce API key for Amends; Amends then registers the store\'s webhooks. No password or key is typed here.', 'amends-for-woocommerce' ) . '</p>';
		}
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="amends_connect" />';
		wp_nonce_field( 'amends_connect' );
		submit_button( $credentials ? __( 'Connect again', 'amends-for-woocommerce' ) : __( 'Connect to Amends', 'amends-for-woocommerce' ), $credentials ? 'secondary' : 'primary', 'amends-connect', false, '' === Amends_Settings::url() ? array( 'disabled' => 'disabled' ) : null );
		echo '</form>';
	}
}
