<?php
/**
 * The approve and deny buttons of a proposed compensation, and how an amount reads.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Prints compensation cells and forms for the approvals tab and the incident page.
 */
class Amends_Compensation_Forms {

	/**
	 * Return the label of a compensation kind.
	 *
	 * @param string $kind The kind as Amends sends it.
	 * @return string
	 */
	public static function kind( $kind ) {
		$kinds = array(
			'shipping_refund' => __( 'Shipping refund', 'amends-for-woocommerce' ),
			'fixed_coupon'    => __( 'Coupon', 'amends-for-woocommerce' ),
			'percent_coupon'  => __( 'Discount coupon', 'amends-for-woocommerce' ),
			'free_shipping'   => __( 'Free-shipping coupon', 'amends-for-woocommerce' ),
			'gift'            => __( 'Gift', 'amends-for-woocommerce' ),
		);
		return $kinds[ $kind ] ?? (string) $kind;
	}

	/**
	 * Return an amount with its currency, e.g. "5.90 EUR".
	 *
	 * @param array $compensation A compensation.
	 * @return string
	 */
	public static function amount( $compensation ) {
		return trim( ( $compensation['amount'] ?? '' ) . ' ' . ( $compensation['currency'] ?? '' ) );
	}

	/**
	 * Tell whether a compensation waits for a decision this page can send.
	 *
	 * Amends names that status `pending_approval`; anything else was decided already.
	 *
	 * @param array $compensation A compensation.
	 * @return bool
	 */
	public static function decidable( $compensation ) {
		return ! empty( $compensation['id'] ) && 'pending_approval' === ( $compensation['status'] ?? '' );
	}

	/**
	 * Return the approve and deny forms of a compensation.
	 *
	 * @param array $compensation A compensation with an id.
	 * @param int   $incident     The incident to come back to, or 0 for the approvals tab.
	 * @return string
	 */
	public static function buttons( $compensation, $incident = 0 ) {
		$id   = (int) $compensation['id'];
		$html = '';
		foreach ( array(
			'approve' => array( __( 'Approve', 'amends-for-woocommerce' ), 'button-primary' ),
			'deny'    => array( __( 'Deny', 'amends-for-woocommerce' ), 'button-secondary' ),
		) as $do => $button ) {
			$html .= '<form method="post" class="amends-inline-form" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">'
				. '<input type="hidden" name="action" value="amends_compensation" />'
				. '<input type="hidden" name="amends_do" value="' . esc_attr( $do ) . '" />'
				. '<input type="hidden" name="compensation" value="' . esc_attr( (string) $id ) . '" />'
				. ( $incident ? '<input type="hidden" name="incident" value="' . esc_attr( (string) $incident ) . '" />' : '' )
				. wp_nonce_field( 'amends_compensation_' . $id, '_wpnonce', true, false )
				/* translators: 1: approve or deny, 2: compensation id. */
				. '<button type="submit" class="button ' . esc_attr( $button[1] ) . '" aria-label="' . esc_attr( sprintf( __( '%1$s compensation %2$d', 'amends-for-woocommerce' ), $button[0], $id ) ) . '">' . esc_html( $button[0] ) . '</button>'
				. '</form> ';
		}
		return $html;
	}
}
