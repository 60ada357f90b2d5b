<?php
/**
 * Words for the values Amends sends (statuses, kinds), in the merchant's language.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

/**
 * Translates Amends' machine values; an unknown one is shown as it came.
 */
class Amends_Labels {

	/**
	 * Return the incident statuses, in lifecycle order.
	 *
	 * @return array<string,string>
	 */
	public static function statuses() {
		return array(
			'open'              => __( 'Open', 'amends-for-woocommerce' ),
			'acknowledged'      => __( 'Acknowledged', 'amends-for-woocommerce' ),
			'in_progress'       => __( 'In progress', 'amends-for-woocommerce' ),
			'awaiting_customer' => __( 'Awaiting customer', 'amends-for-woocommerce' ),
			'resolved'          => __( 'Resolved', 'amends-for-woocommerce' ),
			'closed'            => __( 'Closed', 'amends-for-woocommerce' ),
		);
	}

	/**
	 * Return the incident kinds.
	 *
	 * @return array<string,string>
	 */
	public static function kinds() {
		return array(
			'delayed_shipment'   => __( 'Delayed shipment', 'amends-for-woocommerce' ),
			'delivery_exception' => __( 'Delivery exception', 'amends-for-woocommerce' ),
			'defective_item'     => __( 'Defective item', 'amends-for-woocommerce' ),
			'wrong_item'         => __( 'Wrong item', 'amends-for-woocommerce' ),
			'not_as_described'   => __( 'Not as described', 'amends-for-woocommerce' ),
			'manual'             => __( 'Opened by hand', 'amends-for-woocommerce' ),
		);
	}

	/**
	 * Return the stages of a case that send the customer a message, in order.
	 *
	 * @return array<string,string>
	 */
	public static function stages() {
		return array(
			'acknowledgement' => __( 'Acknowledgement', 'amends-for-woocommerce' ),
			'update'          => __( 'Progress update', 'amends-for-woocommerce' ),
			'resolution'      => __( 'Resolution', 'amends-for-woocommerce' ),
			'compensation'    => __( 'Compensation', 'amends-for-woocommerce' ),
		);
	}

	/**
	 * Return the label of a message stage.
	 *
	 * @param string $stage The stage as Amends sends it.
	 * @return string
	 */
	public static function stage( $stage ) {
		$stages = self::stages();
		return $stages[ $stage ] ?? (string) $stage;
	}

	/**
	 * Return a language's own name, as WordPress' language pickers show it.
	 *
	 * @param string $code A language as Amends names it: en, es, it, ru, de or fr.
	 * @return string
	 */
	public static function language( $code ) {
		return self::languages()[ $code ] ?? (string) $code;
	}

	/**
	 * Return the languages Amends writes in, each by its own name, in the order pickers list them.
	 *
	 * @return array<string, string> Amends' code => the language's own name.
	 */
	public static function languages() {
		return array(
			'en' => 'English',
			'es' => 'Español',
			'it' => 'Italiano',
			'ru' => 'Русский',
			'de' => 'Deutsch',
			'fr' => 'Français',
		);
	}

	/**
	 * Return the label of an incident status.
	 *
	 * @param string $status The status as Amends sends it.
	 * @return string
	 */
	public static function status( $status ) {
		$statuses = self::statuses();
		return $statuses[ $status ] ?? (string) $status;
	}

	/**
	 * Return the label of an incident kind.
	 *
	 * @param string $kind The kind as Amends sends it.
	 * @return string
	 */
	public static function kind( $kind ) {
		$kinds = self::kinds();
		return $kinds[ $kind ] ?? (string) $kind;
	}

	/**
	 * Return a timestamp from Amends (ISO 8601) in the site's date and time format.
	 *
	 * @param string|null $moment An ISO 8601 time.
	 * @return string
	 */
	public static function moment( $moment ) {
		$time = $moment ? strtotime( $moment ) : false;
		if ( false === $time ) {
			return (string) $moment;
		}
		return wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $time );
	}
}
