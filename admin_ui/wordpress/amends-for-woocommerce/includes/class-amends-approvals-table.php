<?php
/**
 * The approvals queue: compensations above the merchant's threshold, waiting for a decision.
 *
 * @package Amends_For_WooCommerce
 */

defined( 'ABSPATH' ) || exit;

require_once AMENDS_PLUGIN_DIR . 'includes/class-amends-compensation-forms.php';

/**
 * Pending compensations, each with approve and deny buttons.
 */
class Amends_Approvals_Table extends WP_List_Table {

	/**
	 * Why the queue could not be read, if it could not.
	 *
	 * @var WP_Error|null
	 */
	private $error = null;

	/**
	 * Set the table up.
	 */
	public function __construct() {
		parent::__construct(
			array(
				'singular' => 'compensation',
				'plural'   => 'compensations',
				'ajax'     => false,
				'screen'   => get_current_screen(),
			)
		);
	}

	/**
	 * Read the pending compensations from Amends.
	 */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), array() );
		$answer                = Amends_Client::request( 'GET', '/admin/api/compensations', array( 'pending' => '1' ) );
		if ( is_wp_error( $answer ) ) {
			$this->error = $answer;
			$this->items = array();
			return;
		}
		$this->items = is_array( $answer['data'] ) ? $answer['data'] : array();
		$this->set_pagination_args(
			array(
				'total_items' => count( $this->items ),
				'per_page'    => max( 1, count( $this->items ) ),
			)
		);
	}

	/**
	 * Print the notice and the table.
	 */
	public function render() {
		if ( $this->error && 404 === (int) ( $this->error->get_error_data()['status'] ?? 0 ) ) {
			Amends_Notices::show( 'info', __( 'This Amends server does not offer approvals yet.', 'amends-for-woocommerce' ) );
		} elseif ( $this->error ) {
			Amends_Notices::show_error( $this->error );
		}
		$this->display();
	}

	/**
	 * Return the columns.
	 *
	 * @return array<string,string>
	 */
	public function get_columns() {
		return array(
			'incident' => __( 'Incident', 'amends-for-woocommerce' ),
			'kind'     => __( 'Compensation', 'amends-for-woocommerce' ),
			'amount'   => __( 'Amount', 'amends-for-woocommerce' ),
			'decide'   => __( 'Decision', 'amends-for-woocommerce' ),
		);
	}

	/**
	 * Print the incident cell.
	 *
	 * @param array $item A compensation.
	 * @return string
	 */
	protected function column_incident( $item ) {
		$incident = (int) ( $item['incident'] ?? ( $item['incident_id'] ?? 0 ) );
		if ( ! $incident ) {
			return '';
		}
		/* translators: %d: incident id. */
		return sprintf( '<a href="%1$s">%2$s</a>', esc_url( Amends_Admin::incident_url( $incident ) ), esc_html( sprintf( __( 'Incident %d', 'amends-for-woocommerce' ), $incident ) ) );
	}

	/**
	 * Print any other cell.
	 *
	 * @param array  $item        A compensation.
	 * @param string $column_name The column.
	 * @return string
	 */
	protected function column_default( $item, $column_name ) {
		if ( 'kind' === $column_name ) {
			return esc_html( Amends_Compensation_Forms::kind( $item['kind'] ?? '' ) );
		}
		if ( 'amount' === $column_name ) {
			return esc_html( Amends_Compensation_Forms::amount( $item ) );
		}
		return Amends_Compensation_Forms::decidable( $item ) ? Amends_Compensation_Forms::buttons( $item ) : esc_html( $item['status'] ?? '' );
	}

	/**
	 * Say there is nothing to decide.
	 */
	public function no_items() {
		if ( $this->error ) {
			esc_html_e( 'The approvals queue could not be loaded.', 'amends-for-woocommerce' );
			return;
		}
		esc_html_e( 'No compensation waits for your approval.', 'amends-for-woocommerce' );
	}
}
