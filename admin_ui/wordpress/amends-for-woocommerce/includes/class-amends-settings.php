<?php
/**
 * The plugin's settings, through the Settings API: where Amends runs.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers and reads the `amends_settings` option.
 */
class Amends_Settings {

	const OPTION = 'amends_settings';
	const GROUP  = 'amends';

	/**
	 * Hook the settings in.
	 */
	public static function init() {
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		// options.php asks for manage_options unless told otherwise; shop managers save too.
		add_filter( 'option_page_capability_' . self::GROUP, array( 'Amends_Admin', 'capability' ) );
	}

	/**
	 * Register the option, its section and its field.
	 */
	public static function register() {
		register_setting(
			self::GROUP,
			self::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( __CLASS__, 'sanitize' ),
				'default'           => array( 'url' => '' ),
			)
		);
		add_settings_section(
			'amends_server',
			__( 'Amends server', 'amends-for-woocommerce' ),
			array( __CLASS__, 'describe_section' ),
			Amends_Admin::SLUG
		);
		add_settings_field(
			'amends_url',
			__( 'Amends URL', 'amends-for-woocommerce' ),
			array( __CLASS__, 'render_url_field' ),
			Amends_Admin::SLUG,
			'amends_server',
			array( 'label_for' => 'amends_url' )
		);
	}

	/**
	 * Say what the section is for.
	 */
	public static function describe_section() {
		echo '<p>' . esc_html__( 'The address of the Amends deployment that handles this store: the same address its WooCommerce webhooks deliver to.', 'amends-for-woocommerce' ) . '</p>';
	}

	/**
	 * Print the URL field.
	 */
	public static function render_url_field() {
		printf(
			'<input type="url" class="regular-text code" id="amends_url" name="%1$s[url]" value="%2$s" placeholder="https://amends.example.com" />',
			esc_attr( self::OPTION ),
			esc_attr( self::url() )
		);
	}

	/**
	 * Keep an http(s) URL (no query) without its trailing slash; refuse anything else.
	 *
	 * @param mixed $input What the form posted.
	 * @return array
	 */
	public static function sanitize( $input ) {
		$url = is_array( $input ) && isset( $input['url'] ) ? trim( (string) $input['url'] ) : '';
		if ( '' !== $url && ! preg_match( '#^https?://[^/?\#\s]+(/[^?\#\s]*)?$#', $url ) ) {
			add_settings_error( self::OPTION, 'amends_url', __( 'The Amends URL must be an http or https address.', 'amends-for-woocommerce' ) );
			return get_option( self::OPTION, array( 'url' => '' ) );
		}
		return array( 'url' => untrailingslashit( esc_url_raw( $url, array( 'http', 'https' ) ) ) );
	}

	/**
	 * Return the Amends URL, without a trailing slash ("" when not set).
	 *
	 * @return string
	 */
	public static function url() {
		$settings = get_option( self::OPTION, array() );
		return is_array( $settings ) && ! empty( $settings['url'] ) ? untrailingslashit( $settings['url'] ) : '';
	}
}
