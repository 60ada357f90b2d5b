<?php
/**
 * What the plugin signs with: the store's shop id at Amends and its secret.
 *
 * Amends generates a secret for each store and registers it as the secret of the
 * store's WooCommerce webhooks, whose delivery URL ends in the shop's id
 * (`<Amends URL>/webhooks/woocommerce/<id>`). The plugin reads both from
 * WooCommerce's own webhook records, server side: the secret never passes through
 * a browser or a URL, and when Amends rotates it the plugin follows at once.
 * The option `amends_connection` remembers which webhook to read (not the secret).
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Finds the shop id and secret to sign with.
 */
class Amends_Credentials {

	const OPTION = 'amends_connection';

	/**
	 * Return array( 'shop' => int, 'secret' => string ), or null when the store is not connected.
	 *
	 * @return array|null
	 */
	public static function find() {
		$amends_url = Amends_Settings::url();
		if ( '' === $amends_url ) {
			return null;
		}
		$found = self::from_woocommerce( $amends_url );
		/**
		 * Filters the credentials the plugin signs with.
		 *
		 * For a WordPress whose WooCommerce webhooks live elsewhere (a staging copy
		 * or a test site): return array( 'shop' => int, 'secret' => string ).
		 *
		 * @param array|null $found      What the WooCommerce webhooks gave, if anything.
		 * @param string     $amends_url The Amends URL from the settings.
		 */
		$found = apply_filters( 'amends_credentials', $found, $amends_url );
		if ( ! is_array( $found ) || empty( $found['shop'] ) || empty( $found['secret'] ) ) {
			return null;
		}
		return array(
			'shop'   => (int) $found['shop'],
			'secret' => (string) $found['secret'],
		);
	}

	/**
	 * Read the credentials from the store's active webhooks that deliver to Amends.
	 *
	 * @param string $amends_url The Amends URL, without a trailing slash.
	 * @return array|null
	 */
	public static function from_woocommerce( $amends_url ) {
		if ( ! class_exists( 'WC_Data_Store' ) || ! function_exists( 'wc_get_webhook' ) ) {
			return null;
		}
		$remembered = get_option( self::OPTION, array() );
		if ( is_array( $remembered ) && ! empty( $remembered['webhook'] ) ) {
			$found = self::from_webhook( wc_get_webhook( (int) $remembered['webhook'] ), $amends_url );
			if ( $found ) {
				return $found;
			}
		}
		$ids = WC_Data_Store::load( 'webhook' )->get_webhooks_ids( 'active' );
		rsort( $ids );
		foreach ( $ids as $id ) {
			$found = self::from_webhook( wc_get_webhook( $id ), $amends_url );
			if ( $found ) {
				update_option(
					self::OPTION,
					array(
						'webhook' => $found['webhook'],
						'shop'    => $found['shop'],
					),
					false
				);
				return $found;
			}
		}
		return null;
	}

	/**
	 * Return the credentials one webhook holds, when it is active and delivers to Amends.
	 *
	 * @param WC_Webhook|null $webhook    A webhook, or null when there is none with that id.
	 * @param string          $amends_url The Amends URL, without a trailing slash.
	 * @return array|null
	 */
	public static function from_webhook( $webhook, $amends_url ) {
		if ( ! $webhook || 'active' !== $webhook->get_status() ) {
			return null;
		}
		$prefix   = $amends_url . '/webhooks/woocommerce/';
		$delivery = (string) $webhook->get_delivery_url();
		$shop     = substr( $delivery, strlen( $prefix ) );
		if ( 0 !== strpos( $delivery, $prefix ) || ! ctype_digit( $shop ) || '' === $webhook->get_secret() ) {
			return null;
		}
		return array(
			'shop'    => (int) $shop,
			// WooCommerce decodes the secret this way before it signs a delivery.
			'secret'  => wp_specialchars_decode( $webhook->get_secret(), ENT_QUOTES ),
			'webhook' => (int) $webhook->get_id(),
		);
	}
}
