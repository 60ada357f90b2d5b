<?php
/**
 * What the plugin's forms post to (admin-post.php): checked here, then forwarded to Amends.
 *
 * Every handler checks the user's capability and the form's nonce before anything
 * else, forwards the action as a signed request, and sends the user back to the
 * page they came from with a notice saying how it went.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * The admin-post handlers.
 */
class Amends_Actions {

	/**
	 * Hook the handlers in.
	 */
	public static function init() {
		add_action( 'admin_post_amends_incident', array( __CLASS__, 'incident' ) );
		add_action( 'admin_post_amends_compensation', array( __CLASS__, 'compensation' ) );
		add_action( 'admin_post_amends_connect', array( __CLASS__, 'connect' ) );
		add_action( 'admin_post_amends_report_csv', array( __CLASS__, 'report_csv' ) );
	}

	/**
	 * Hand on a report table as the CSV file Amends makes of it, under Amends' file name.
	 */
	public static function report_csv() {
		self::check_capability();
		check_admin_referer( 'amends_report_csv' );
		require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-reports-page.php';
		$tables = Amends_Reports_Page::tables();
		$table  = isset( $_GET['table'] ) ? sanitize_key( wp_unslash( $_GET['table'] ) ) : '';
		if ( ! isset( $tables[ $table ] ) ) {
			wp_die( esc_html__( 'Unknown report.', 'amends-for-woocommerce' ), '', array( 'response' => 400 ) );
		}
		$file = Amends_Client::download( $tables[ $table ], Amends_Reports_Page::filter() );
		if ( is_wp_error( $file ) ) {
			$tab = 0 === strpos( $table, 'return' ) || 'top_defective' === $table ? 'returns' : 'outcomes';
			self::back( Amends_Admin::tab_url( $tab, array_filter( Amends_Reports_Page::filter() ) ), 'error', $file->get_error_message() );
		}
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="' . $file['filename'] . '"' );
		header( 'X-Content-Type-Options: nosniff' );
		// The file is Amends' CSV, byte for byte: escaping it for HTML would change the data.
		echo $file['body']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		exit;
	}

	/**
	 * Add a note to an incident, resolve it or reopen it.
	 */
	public static function incident() {
		self::check_capability();
		$id = isset( $_POST['incident'] ) ? absint( $_POST['incident'] ) : 0;
		check_admin_referer( 'amends_incident_' . $id );
		$do   = isset( $_POST['amends_do'] ) ? sanitize_key( wp_unslash( $_POST['amends_do'] ) ) : '';
		$done = array(
			'note'    => __( 'Note added.', 'amends-for-woocommerce' ),
			'resolve' => __( 'Incident resolved.', 'amends-for-woocommerce' ),
			'reopen'  => __( 'Incident reopened.', 'amends-for-woocommerce' ),
		);
		if ( ! $id || ! isset( $done[ $do ] ) ) {
			wp_die( esc_html__( 'Unknown action.', 'amends-for-woocommerce' ), '', array( 'response' => 400 ) );
		}
		$body = null;
		$path = '/admin/api/incidents/' . $id . '/' . $do;
		if ( 'note' === $do ) {
			$text = isset( $_POST['text'] ) ? sanitize_textarea_field( wp_unslash( $_POST['text'] ) ) : '';
			if ( '' === trim( $text ) ) {
				self::back( Amends_Admin::incident_url( $id ), 'error', __( 'Write the note first.', 'amends-for-woocommerce' ) );
			}
			$body = array( 'text' => $text );
			$path = '/admin/api/incidents/' . $id . '/notes';
		}
		$answer = Amends_Client::request( 'POST', $path, array(), $body );
		self::report( $answer, $done[ $do ], Amends_Admin::incident_url( $id ) );
	}

	/**
	 * Approve or deny a proposed compensation.
	 */
	public static function compensation() {
		self::check_capability();
		$id = isset( $_POST['compensation'] ) ? absint( $_POST['compensation'] ) : 0;
		check_admin_referer( 'amends_compensation_' . $id );
		$do   = isset( $_POST['amends_do'] ) ? sanitize_key( wp_unslash( $_POST['amends_do'] ) ) : '';
		$done = array(
			'approve' => __( 'Compensation approved.', 'amends-for-woocommerce' ),
			'deny'    => __( 'Compensation denied.', 'amends-for-woocommerce' ),
		);
		if ( ! $id || ! isset( $done[ $do ] ) ) {
			wp_die( esc_html__( 'Unknown action.', 'amends-for-woocommerce' ), '', array( 'response' => 400 ) );
		}
		$back   = isset( $_POST['incident'] ) && absint( $_POST['incident'] ) ? Amends_Admin::incident_url( absint( $_POST['incident'] ) ) : Amends_Admin::tab_url( 'approvals' );
		$answer = Amends_Client::request( 'POST', '/admin/api/compensations/' . $id . '/' . $do );
		self::report( $answer, $done[ $do ], $back );
	}

	/**
	 * Start Amends' WooCommerce key flow (wc-auth) for this store, in the browser.
	 *
	 * Amends sends the merchant to this store's /wc-auth/v1/authorize, receives the
	 * keys server to server, registers the webhooks and sends the merchant back here.
	 */
	public static function connect() {
		self::check_capability();
		check_admin_referer( 'amends_connect' );
		$amends_url = Amends_Settings::url();
		if ( '' === $amends_url ) {
			self::back( Amends_Admin::tab_url( 'settings' ), 'error', __( 'Set the Amends URL and save it first.', 'amends-for-woocommerce' ) );
		}
		$start = add_query_arg(
			array(
				'store_url' => rawurlencode( self::store_url() ),
				'return_to' => rawurlencode( Amends_Admin::tab_url( 'settings' ) ),
			),
			$amends_url . '/admin/connect/woocommerce'
		);
		wp_redirect( esc_url_raw( $start ) ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect -- Amends is another host by design.
		exit;
	}

	/**
	 * Return the store's home URL, as Amends knows the store.
	 *
	 * @return string
	 */
	public static function store_url() {
		/**
		 * Filters the store URL the connection is made for (the WooCommerce REST API's site).
		 *
		 * @param string $url The home URL.
		 */
		return (string) apply_filters( 'amends_store_url', home_url( '/' ) );
	}

	/**
	 * Stop unless the user may work with Amends.
	 */
	private static function check_capability() {
		if ( ! current_user_can( Amends_Admin::capability() ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'amends-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
	}

	/**
	 * Say how a forwarded action went, and go back.
	 *
	 * @param array|WP_Error $answer  What Amends answered.
	 * @param string         $success The notice when it worked.
	 * @param string         $url     Where to go back to.
	 */
	private static function report( $answer, $success, $url ) {
		if ( is_wp_error( $answer ) ) {
			self::back( $url, 'error', $answer->get_error_message() );
		}
		self::back( $url, 'success', $success );
	}

	/**
	 * Leave a notice and redirect to a page of this site.
	 *
	 * @param string $url     A wp-admin URL.
	 * @param string $type    The notice's type.
	 * @param string $message The notice.
	 */
	private static function back( $url, $type, $message ) {
		Amends_Notices::flash( $type, $message );
		wp_safe_redirect( $url );
		exit;
	}
}
