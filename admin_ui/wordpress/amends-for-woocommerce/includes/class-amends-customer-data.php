<?php
/**
 * The "Customer data" tab: what Amends holds about one customer of this store, downloaded.
 *
 * When a customer asks what the store keeps about them, the merchant enters their
 * e-mail address; WordPress asks Amends (signed, for this store only) and hands the
 * answer to the browser as a JSON file.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders the export form and downloads the customer's data.
 */
class Amends_Customer_Data {

	const ACTION = 'amends_customer_data';

	/**
	 * Hook the form's handler in.
	 */
	public static function init() {
		add_action( 'admin_post_' . self::ACTION, array( __CLASS__, 'download' ) );
	}

	/**
	 * Print the form.
	 */
	public static function render() {
		echo '<p>' . esc_html__( 'When a customer asks what your store keeps about them, download it here and send it to them: their orders as Amends saw them, their incidents with every message and compensation, and what they sent back.', 'amends-for-woocommerce' ) . '</p>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '" />';
		wp_nonce_field( self::ACTION );
		echo '<table class="form-table" role="presentation"><tbody><tr><th scope="row"><label for="amends-customer-email">' . esc_html__( 'Customer\'s e-mail address', 'amends-for-woocommerce' ) . '</label></th>';
		echo '<td><input type="email" class="regular-text" id="amends-customer-email" name="email" autocomplete="off" /></td></tr></tbody></table>';
		submit_button( __( 'Download (JSON)', 'amends-for-woocommerce' ), 'primary', 'amends-download' );
		echo '</form>';
	}

	/**
	 * Check the user and the nonce, ask Amends, and send the file (or go back saying why not).
	 */
	public static function download() {
		if ( ! current_user_can( Amends_Admin::capability() ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'amends-for-woocommerce' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::ACTION );
		$email  = isset( $_POST['email'] ) ? sanitize_email( wp_unslash( $_POST['email'] ) ) : '';
		$answer = '' === $email
			? new WP_Error( 'amends_email', __( 'Enter the customer\'s e-mail address.', 'amends-for-woocommerce' ) )
			: Amends_Client::request( 'GET', '/admin/api/customers/data', array( 'email' => $email ) );
		if ( is_wp_error( $answer ) ) {
			$data    = $answer->get_error_data();
			$message = is_array( $data ) && 404 === ( $data['status'] ?? 0 )
				? __( 'Amends holds no data about a customer with this e-mail address.', 'amends-for-woocommerce' )
				: $answer->get_error_message();
			Amends_Notices::flash( 'error', $message );
			wp_safe_redirect( Amends_Admin::tab_url( 'customers' ) );
			exit;
		}
		nocache_headers();
		header( 'Content-Type: application/json; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="customer-data-' . gmdate( 'Y-m-d' ) . '.json"' );
		echo wp_json_encode( $answer['data'], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		exit;
	}
}
